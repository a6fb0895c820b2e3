"""FNV-1a, a small fast non-cryptographic hash, used here to make HTTP ETags."""
from ._fnv import fnv1a64

__all__ = ["fnv1a64", "etag"]


def etag(data: bytes) -> str:
    """A strong ETag for a response body: the same bytes always give the same tag."""
    return '"%016x"' % fnv1a64(data)
