"""Letters, notification jobs and Paramètres (see issue « Notifications »)."""
