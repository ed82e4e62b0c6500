"""Running a book: first run, the demo, backups, the company profile, the daily jobs, database logins."""
