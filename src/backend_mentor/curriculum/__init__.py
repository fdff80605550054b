"""The curriculum engine: YAML loading, validation, the compiled catalog and search."""
