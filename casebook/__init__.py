"""Casebook: case management for the persoonsgerichte aanpak of a Dutch municipality and its partners."""
