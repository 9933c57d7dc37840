"""The alternative to `safe-markup serve` that BENCHMARKS.md compares it
with: nh3 (ammonia's Python binding) behind FastAPI on uvicorn, with the
same JSON API (`POST /v1/clean {"html": ...} -> {"html": ...}`).

    pip install nh3 fastapi 'uvicorn[standard]'
    uvicorn --app-dir examples nh3_service:app --host 127.0.0.1 --port 8081 \
        --workers 2 --log-level warning
"""

import nh3
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class CleanRequest(BaseModel):
    html: str


class CleanAnswer(BaseModel):
    html: str


@app.post("/v1/clean")
def clean(request: CleanRequest) -> CleanAnswer:
    # nh3.clean with its defaults: ammonia's default allowlist, which is
    # close to the ugc preset.
    return CleanAnswer(html=nh3.clean(request.html))


@app.get("/healthz")
def healthz() -> str:
    return "ok"
