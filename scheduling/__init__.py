"""Orchestration: the scheduler, the fan-out of briefings, the leader lock."""
