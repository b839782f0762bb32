"""The client's name and version, as records carry them in ``producer.sdk``."""

SDK_NAME = "docket-python"
__version__ = "0.1.0"
