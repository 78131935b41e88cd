"""The training app's pages in the workspace (/app/): courses, enrolment, attendance, compliance, a
person's record."""
