"""Channel subscriptions to the daily briefing, their delivery exactly once a day, and the scheduler."""
