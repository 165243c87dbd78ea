"""Sources added at run time: feeds, web pages and PDFs, fetched safely, read, stored and
served to the knowledge base (README, "Adding sources")."""
