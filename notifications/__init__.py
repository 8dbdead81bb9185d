"""Reminders: group findings by recipient (pure), render one digest each, queue and deliver."""
