"""The vocabulary every layer shares: Request, Reply and its blocks, the delivery port, wording."""
