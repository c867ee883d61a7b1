"""Platforms: Amazon bulk files, upload files for each platform, placements, search-term harvest."""
