"""The bilingual corpus: import, segmentation, alignment, storage and export. Never imports glossary/ or tui/."""
