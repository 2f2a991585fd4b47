"""Views of the staff portal (sign-in, home), DELEG-CE and the second factor."""
