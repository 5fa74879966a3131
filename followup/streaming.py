"""Streaming a ZIP archive (an .xlsx workbook, a bundle of PDFs) while it is written."""


class ChunkBuffer:
    """Where zipfile writes, until the response takes the bytes (`take`). It has no `tell`
    or `seek`, so zipfile writes a streamable archive (with data descriptors)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass  # nothing to release; with flush and write, what zipfile asks of a file

    def take(self) -> bytes:
        data, self.parts, self.size = b"".join(self.parts), [], 0
        return data
