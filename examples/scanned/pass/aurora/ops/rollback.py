"""Rollback helper scanned by Bandit for the passing example (LOW findings only)."""
import subprocess


def rollback(release: str) -> int:
    """Roll the deployment back to `release` (argument list, no shell)."""
    if not release.replace("-", "").isalnum():
        raise ValueError(f"bad release name {release!r}")
    return subprocess.call(["kubectl", "rollout", "undo", "deployment/aurora",
                            f"--to-revision={release}"])
