"""Screens of the annotation app: the pair list, the alignment view, the glossary, help and modals."""
