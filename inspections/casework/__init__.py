"""Casework: public-service inspections, their findings and corrective actions, evidence,
and disciplinary cases followed to a decision under the statutory deadlines."""
