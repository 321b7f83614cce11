"""Widgets of the annotation app: they render what they are given and post messages up."""
