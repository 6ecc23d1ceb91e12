from celery import shared_task

from reports.services import purge_expired_exports, run_export_job


@shared_task
def run_export_job_task(job_pk: int) -> None:
    run_export_job(job_pk=job_pk)


@shared_task
def purge_expired_exports_task() -> int:
    return purge_expired_exports()
