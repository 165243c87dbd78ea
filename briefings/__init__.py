"""What the bot knows and tells: the knowledge base, market data and briefings."""
