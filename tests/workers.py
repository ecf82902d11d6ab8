"""Background jobs in tests run as on a site: a real RQ worker in another process, which sees only what the
test has committed."""

import subprocess
import sys

from frappe.utils.background_jobs import get_queue

from tests.conftest import SITES_PATH


def bench_worker(queues: str = "long") -> subprocess.CompletedProcess:
	"""`frappe worker --burst` for the queues named (comma-separated): runs their jobs until they are empty."""
	return subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--queue", queues, "--burst"],
		cwd=SITES_PATH,
		capture_output=True,
		text=True,
		timeout=300,
	)


def job_status(job_id: str | None, queue: str = "long") -> str | None:
	"""The RQ status of a job (queued, started, finished, failed...), None if the queue never had it."""
	job = get_queue(queue).fetch_job(job_id) if job_id else None
	return job.get_status() if job else None


def bench_workers(queues: str = "long", count: int = 2) -> list[subprocess.CompletedProcess]:
	"""`count` burst workers for the same queues at once, as workers on several machines take the jobs of
	one Redis: each runs what it pulls until the queues are empty."""
	command = [
		sys.executable,
		"-m",
		"frappe.utils.bench_helper",
		"frappe",
		"worker",
		"--queue",
		queues,
		"--burst",
	]
	processes = [
		subprocess.Popen(command, cwd=SITES_PATH, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
		for _ in range(count)
	]
	finished = []
	for process in processes:
		stdout, stderr = process.communicate(timeout=300)
		finished.append(subprocess.CompletedProcess(command, process.returncode, stdout, stderr))
	return finished
