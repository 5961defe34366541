"""Piccolo tables of the candidates app (profiles, shortlists, placements come later)."""
