#!/usr/bin/env python3
"""Lay out upstream Frappe as the git repository `bench init --frappe-path` wants.

PyPI's `criscostack==1.0.0` is upstream Frappe (develop, v15.0.0-dev) with its names changed.
This script downloads that pinned wheel, checks its sha256, maps the names back, refuses the
result if any trace of the old name is left, adds the repo-root files the wheel lacks
(dev/frappe-overlay) and commits it all on branch `version-15`.

Usage: frappe_source.py DEST [--cache DIR]
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL_NAME = "criscostack"
WHEEL_VERSION = "1.0.0"
WHEEL_FILE = f"{WHEEL_NAME}-{WHEEL_VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "dc58aaf29c59b7666edc953596e5b31f77d7286b2ed6b14c6a205b217c210349"
BRANCH = "version-15"

# Order matters: longer, more specific names first.
NAME_MAP = [
	("CRISCOSTACK", "FRAPPE"),
	("Criscostack", "Frappe"),
	("criscostack", "frappe"),
	("Criscoerp", "ERPNext"),
	("criscoerp", "erpnext"),
	("Crisco", "Frappe"),
	("crisco", "frappe"),
]
# The one file whose name the rename touched outside the patterns above.
RENAMED_FILES = {"frappe/utils/brik_helper.py": "frappe/utils/bench_helper.py"}
# Files of no use to a bench that only the wheel carries.
JUNK_NAMES = {".DS_Store"}

OVERLAY = Path(__file__).resolve().parent / "frappe-overlay"


def sha256_of(path: Path) -> str:
	digest = hashlib.sha256()
	with path.open("rb") as f:
		for block in iter(lambda: f.read(1 << 20), b""):
			digest.update(block)
	return digest.hexdigest()


def fetch_wheel(cache: Path) -> Path:
	cache.mkdir(parents=True, exist_ok=True)
	wheel = cache / WHEEL_FILE
	if not wheel.exists() or sha256_of(wheel) != WHEEL_SHA256:
		wheel.unlink(missing_ok=True)
		subprocess.run(
			[
				sys.executable,
				"-m",
				"pip",
				"download",
				"--quiet",
				"--no-deps",
				"--only-binary=:all:",
				"--dest",
				str(cache),
				f"{WHEEL_NAME}=={WHEEL_VERSION}",
			],
			check=True,
		)
	actual = sha256_of(wheel)
	if actual != WHEEL_SHA256:
		wheel.unlink()
		sys.exit(f"sha256 mismatch for {WHEEL_FILE}: expected {WHEEL_SHA256}, got {actual}")
	return wheel


def map_names(text: str) -> str:
	for old, new in NAME_MAP:
		text = text.replace(old, new)
	return text


def map_names_bytes(data: bytes) -> bytes:
	for old, new in NAME_MAP:
		data = data.replace(old.encode(), new.encode())
	return data


def extract_mapped(wheel: Path, dest: Path) -> None:
	"""Write every file of the wheel's package under dest with names and contents mapped back."""
	with zipfile.ZipFile(wheel) as archive:
		for info in archive.infolist():
			if info.is_dir() or not info.filename.startswith(f"{WHEEL_NAME}/"):
				continue  # skip the .dist-info folder: bench installs from pyproject.toml
			if Path(info.filename).name in JUNK_NAMES:
				continue
			relative = map_names(info.filename)
			relative = RENAMED_FILES.get(relative, relative)
			target = dest / relative
			target.parent.mkdir(parents=True, exist_ok=True)
			target.write_bytes(map_names_bytes(archive.read(info)))


def assert_no_old_name(root: Path) -> None:
	leftovers = []
	for path in root.rglob("*"):
		if ".git" in path.parts:
			continue
		if "crisco" in path.name.lower():
			leftovers.append(f"name: {path}")
		elif path.is_file() and b"crisco" in path.read_bytes().lower():
			leftovers.append(f"content: {path}")
	if leftovers:
		sys.exit("old name left in mapped Frappe:\n" + "\n".join(leftovers[:20]))


def git(dest: Path, *args: str) -> None:
	subprocess.run(
		["git", "-c", "user.name=crm_app setup", "-c", "user.email=setup@crm-app.invalid", *args],
		cwd=dest,
		check=True,
		stdout=subprocess.DEVNULL,
	)


def build(dest: Path, cache: Path) -> None:
	wheel = fetch_wheel(cache)
	work = Path(tempfile.mkdtemp(prefix="frappe-src.", dir=dest.parent))
	try:
		extract_mapped(wheel, work)
		shutil.copytree(OVERLAY, work, dirs_exist_ok=True)
		(work / "README.md").write_text(
			f"# Frappe\n\nUpstream Frappe, rebuilt from a pinned PyPI wheel (sha256 {WHEEL_SHA256})\n"
			"with its renamed identifiers mapped back, by crm_app's dev/frappe_source.py.\n"
		)
		assert_no_old_name(work)
		git(work, "init", "--quiet", "--initial-branch", BRANCH)
		git(work, "add", "--all")
		git(work, "commit", "--quiet", "--message", f"Frappe from PyPI wheel sha256 {WHEEL_SHA256}")
		shutil.rmtree(dest, ignore_errors=True)
		os.replace(work, dest)
	finally:
		shutil.rmtree(work, ignore_errors=True)


def main() -> None:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("dest", type=Path)
	parser.add_argument("--cache", type=Path, default=None, help="where the wheel is kept")
	args = parser.parse_args()
	dest = args.dest.resolve()
	dest.parent.mkdir(parents=True, exist_ok=True)
	build(dest, (args.cache or dest.parent).resolve())
	print(f"Frappe source ready in {dest} (branch {BRANCH})")


if __name__ == "__main__":
	main()
