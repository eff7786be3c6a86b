"""jixiao (绩效): information extraction for Chinese budget-performance self-evaluation reports."""
from pathlib import Path

__version__ = "0.1.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# configs/ lives at the repository root and ships inside the package as pipeline/configs
# (setup.py maps it): a wheel has the packaged copy, a checkout the root folder.
_PACKAGED_CONFIGS = Path(__file__).resolve().parent / "configs"
CONFIG_DIR = _PACKAGED_CONFIGS if _PACKAGED_CONFIGS.is_dir() else PROJECT_ROOT / "configs"
MODELS_DIR = PROJECT_ROOT / "models"
ANNOTATIONS_DIR = PROJECT_ROOT / "annotations"
# The seeds are third-party text: read at run time, never copied into the project.
SHARED_DIR = PROJECT_ROOT.parent / "shared"
SEEDS_DIR = SHARED_DIR / "seeds"


def project_relative(path) -> str:
    """A path as shipped files and reports show it: relative to the project root where it lies
    inside it (no machine's home folder in a committed file), unchanged otherwise."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
