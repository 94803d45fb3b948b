from ._xmlcount import count_elements, libxml_version

__all__ = ["count_elements", "libxml_version"]
