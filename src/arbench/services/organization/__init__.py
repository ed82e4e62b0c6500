"""The team and the departments: users, assignment, handover and covers, department requests, onboarding."""
