"""The CPU this process runs on, read from /proc/cpuinfo (no heavy imports: the structure
benchmark must not load torch just to name the machine)."""
from __future__ import annotations

import os


def _cpuinfo_field(name: str) -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(name):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def native_bf16() -> bool:
    """True when the CPU has native bf16 matrix units (AVX512-BF16 or AMX). Without them
    (e.g. AVX2-only EPYC) bf16 autocast is emulated and measured several times slower than fp32."""
    flags = _cpuinfo_field("flags").split()
    return "avx512_bf16" in flags or "amx_bf16" in flags


def cpu_info() -> dict:
    """The CPU the numbers were measured on: model name, cores, native bf16 or not."""
    return {"model": _cpuinfo_field("model name") or "unknown", "cores": os.cpu_count(), "native_bf16": native_bf16()}


_LIBC = None


def release_freed_memory() -> bool:
    """Hand the memory the process has freed back to the system (glibc's ``malloc_trim(0)``:
    free pages inside the heap too, not only its top), so that what one stage of a giant
    document freed does not stay counted in the worker's resident memory; False where there
    is no glibc."""
    global _LIBC
    if _LIBC is None:
        try:
            import ctypes
            _LIBC = ctypes.CDLL("libc.so.6")
            _LIBC.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _LIBC = False
    if not _LIBC:
        return False
    _LIBC.malloc_trim(0)
    return True
