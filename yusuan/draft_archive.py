"""A .zip of a folder of drafts, opened with the guards the workbook reader puts on an .xlsx
(yusuan/limits.py ``check_zip``): sizes taken from the zip's central directory before a byte is
inflated, a bounded number of members, no member named outside the folder (absolute paths,
``..``, links), and each member read no further than the size it declares.

Nothing is written to disk: members come back as (name, bytes), and the worker files each as a
draft of its own (docs/workflow.md). This runs in the worker's capped process (yusuan/jobs.py),
never in the server.
"""
from __future__ import annotations

import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import InputError

MAX_MEMBERS = 10_000  # entries of any kind (folders too) looked at; a real folder has tens


@dataclass
class Unpacked:
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (path inside the folder, bytes)
    skipped: list[str] = field(default_factory=list)  # what was left out, and why, one line each


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author typed it: zips made on Chinese Windows store names in GBK
    without the UTF-8 flag, which zipfile decodes as cp437 (mojibake)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _safe_path(name: str) -> str | None:
    """The member's path, or None when it would leave the folder (absolute, a drive, ``..``)."""
    text = name.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(text).parts if p not in ("", ".")]
    if ".." in parts or any(ord(c) < 32 for c in text):
        return None
    return "/".join(parts)


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def unpack(path: Path, shown: str, *, accepted: tuple[str, ...], max_files: int, max_file_bytes: int,
           max_total_bytes: int) -> Unpacked:
    """The drafts in the zip at ``path`` (``shown``: its name for messages). An InputError
    refuses the whole archive (not a zip, a member outside the folder, too many or too large in
    total); a member that is only unsuitable (another kind of file, too big, encrypted, damaged)
    is left out and listed in ``skipped``."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(shown, None, f"不是可读的 zip 压缩包（{exc}）") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputError(shown, None, f"压缩包有 {len(members):,} 个条目，超过上限 {MAX_MEMBERS:,}")
        out, wanted, total = Unpacked(), [], 0
        for info in members:
            name = member_name(info)
            safe = _safe_path(name)
            if safe is None:
                raise InputError(shown, name, "条目的路径指向文件夹之外（绝对路径或 ..），整个压缩包不予接受")
            if info.is_dir() or not safe:
                continue
            parts = safe.split("/")
            if parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts):
                continue  # the Finder's and the system's own files, not the author's
            if _is_link(info):
                out.skipped.append(f"{safe}：符号链接，未读取")
                continue
            if not safe.lower().endswith(accepted):
                out.skipped.append(f"{safe}：不接受这种文件")
                continue
            if info.flag_bits & 0x1:
                out.skipped.append(f"{safe}：已加密，未读取")
                continue
            if info.file_size > max_file_bytes:
                out.skipped.append(f"{safe}：解压后 {info.file_size:,} 字节，超过每个文件 {max_file_bytes:,} 字节的上限")
                continue
            total += info.file_size
            wanted.append((info, safe))
        if len(wanted) > max_files:
            raise InputError(shown, None, f"压缩包里有 {len(wanted)} 个可读的文件，一次至多 {max_files} 个")
        if total > max_total_bytes:
            raise InputError(shown, None, f"解压后共 {total:,} 字节，超过一次上传 {max_total_bytes:,} 字节的上限")
        for info, safe in wanted:
            try:
                # zipfile returns no more than the member declares and checks its CRC: the sizes
                # summed above bound what is read.
                with archive.open(info) as member:
                    data = member.read(max_file_bytes + 1)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError) as exc:
                out.skipped.append(f"{safe}：无法解压（{exc}）")
                continue
            out.files.append((safe, data))
        return out
