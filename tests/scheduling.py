"""pytest-xdist's `--dist loadscope`, with the few modules too big for one worker split.

loadscope sends each module (or class) whole to one worker, so that a module's shared
casts and module fixtures are built once. A module that does a large share of the
suite's work then runs on one core while the other waits at the end. A module named in
SPLIT goes out as that many parts instead (each test to the part its id hashes to), so
the workers share it; a worker builds the module's fixtures once for the parts it runs
in a row (the largest scopes go out first, so a split module's parts follow each other).
"""

import zlib

from xdist.scheduler import LoadScopeScheduling

SPLIT = {"tests/test_permission_matrix.py": 4}
"""Module path → parts. The permission matrix: ~3,500 requests on one build of the demo."""


class SplitScopeScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        parts = SPLIT.get(module)
        if parts is None:
            return super()._split_scope(nodeid)
        return f"{module}::part-{zlib.crc32(nodeid.encode()) % parts}"
