"""Celery tasks of the background-job framework (`hrsystem.services.jobs`).

`run_job` prepares a job's parts and chains one `run_job_part` task per part and a
`finish_job` task; each task opens its own transactions, so on workers the parts run
wherever a worker is free and a part that fails stops the chain's remaining parts.
"""

from celery import chain, shared_task

from hrsystem.services import jobs


@shared_task
def run_job(job_id: int) -> None:
    parts = jobs.run_prepare(job_id)
    if parts is None:
        return
    steps = [run_job_part.si(job_id, index, part) for index, part in enumerate(parts)]
    chain(*steps, finish_job.si(job_id)).apply_async()


@shared_task
def run_job_part(job_id: int, index: int, part: dict) -> None:
    jobs.run_part(job_id, index, part)


@shared_task
def finish_job(job_id: int) -> None:
    jobs.run_finish(job_id)
