"""The staff app's pages in the workspace (/app/): the roster and its import."""
