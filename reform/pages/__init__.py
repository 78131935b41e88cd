"""The administrative-reform pages of the workspace (/app/reform/...): dossiers, period reports, PAR
index, plans, imports."""
