"""What organizers do around the schedule: start a seminar, a new term, announce a week."""
