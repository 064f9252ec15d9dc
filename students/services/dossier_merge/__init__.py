"""Merge OSO dossiers onto students: the merge rule of DOMAIN.md, in chunks.

The flow for one call (``merge.py``):

1. every file is validated by the dossier reader first, with no database work;
   the valid and the refused files become ``ValidEntry`` and ``FailedEntry``;
2. the files are split into sub-chunks in which each pupil appears once, so two
   versions of one pupil's file are applied in the order given;
3. per sub-chunk, in one transaction: load every matching student, its
   corrections, its card and the hash of its last dossier with a constant
   number of queries (``load``), decide per file in memory (``plan``), set the
   values and note which fields change (``apply``, ``card``), hand out numbers
   for new pupils (``numbers``), then write with bulk queries and keep every
   file whole (``archive``). The number of queries does not grow with the chunk.

Each file's effect is all or nothing: everything that could make one file fail
(a reader error, no match, a value that does not fit) is decided in memory
before anything is written. Should the bulk write still fail, the sub-chunk is
rolled back and redone one file at a time, each in its own savepoint, so one
bad file fails alone and the others still go through.

Remarks and reasons are codes with parameters (``texts``), rendered in the
language of whoever reads them.
"""

from students.services.dossier_merge.merge import (
    MAX_SUB_CHUNK,
    dossiers_merge,
    dossiers_merge_parsed,
)
from students.services.dossier_merge.types import DossierIn, MergeResult

__all__ = [
    "MAX_SUB_CHUNK",
    "DossierIn",
    "MergeResult",
    "dossiers_merge",
    "dossiers_merge_parsed",
]
