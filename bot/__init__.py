"""The bot core: requests in, platform-neutral replies out; adapters translate for each platform."""
