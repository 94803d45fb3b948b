# A typo: `slipway check examples/broken.Dockerfile` reports an unknown instruction.
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUNN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "-m", "app"]
