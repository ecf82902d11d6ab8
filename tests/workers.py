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


def on_own_connection(target, errors: list | None = None, retry_on: tuple = (), attempts: int = 5):
	"""Start `target(attempt)` in a thread on its own connection to the site, as Administrator, committing at
	the end, as another user's request or job would. After one of the `retry_on` errors it is rolled back
	and run again (as a client told "busy, try again" would), up to `attempts` times; the last error is
	kept in `errors`. Returns (thread, errors)."""
	import threading

	import frappe

	from tests.conftest import SITE

	errors = [] if errors is None else errors

	def run():
		frappe.init(site=SITE, sites_path=str(SITES_PATH))
		frappe.connect()
		frappe.set_user("Administrator")
		try:
			for attempt in range(attempts if retry_on else 1):
				try:
					target(attempt)
					frappe.db.commit()
					return
				except retry_on:
					frappe.db.rollback()
					if attempt == attempts - 1:
						raise
		except Exception as error:
			frappe.db.rollback()
			errors.append(repr(error))
		finally:
			frappe.destroy()

	thread = threading.Thread(target=run)
	thread.start()
	return thread, errors
