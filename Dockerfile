# One image for web, worker, beat and the migrate step; settings come from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var \
    PORT=8000

WORKDIR /app

COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt .

COPY . .
# Translations and static files are built into the image; the key and address are throwaways
# for the build. At run time DJANGO_SECRET_KEY and SITE_URL must be set (see README).
RUN pybabel compile -d locale -D django \
    && DJANGO_SECRET_KEY=image-build-only SITE_URL=http://image-build.invalid \
       python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 salonbook \
    && mkdir -p /app/var/exports && chown -R salonbook /app/var

USER salonbook
EXPOSE 8000
# Workers, threads, timeouts and keep-alive: config/gunicorn.py (README, "Production settings").
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.py"]
