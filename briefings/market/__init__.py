"""Market data: daily bars from Yahoo Finance or CSV files, a cache, the calendar, figures."""
