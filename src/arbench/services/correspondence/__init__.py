"""Documents and mail: emails from templates, the outbox and inbox, statements, reminders, notices."""
