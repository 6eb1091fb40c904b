# Two commands on a fresh machine: `make demo` and `make test`. Each builds .venv first if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.demo-stamp
TEST_STAMP := $(VENV)/.test-stamp
DATA ?= data
OUT ?= out
# llama-cpp-python (runtime: the bundled translation model; [server] for the tests' local
# OpenAI-compatible server) builds from source once; skip its C++ tests, examples and tools
# to halve the build on 2 cores. pip caches the wheel, so `make test` after `make demo`
# reuses it instead of building llama twice. The build is -march=native, which on a CPU with
# Intel AMX compiles ggml's AMX matrix kernels; on the Xeon VMs here those crash the first
# decode with SIGSEGV (ggml_backend_amx_mul_mat, llama-cpp-python 0.3.35 and 0.3.36), so AMX
# is left out (-mno-amx-int8); AVX-512/VNNI stay native.
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
export CMAKE_ARGS ?= -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DCMAKE_C_FLAGS=-mno-amx-int8 -DCMAKE_CXX_FLAGS=-mno-amx-int8

.PHONY: demo test lint format bench bench-web clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -c "import llama_cpp" 2>/dev/null || echo "Building llama-cpp-python from source once (about 5-11 min on 2 cores); pip caches the wheel."
	$(BIN)/python -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -c "import llama_cpp" 2>/dev/null || echo "Building llama-cpp-python from source once (about 5-11 min on 2 cores); pip caches the wheel."
	$(BIN)/python -m pip install -q -e ".[test,llm,pg,ray,url]"
	touch $@ $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/videobrief run examples/demo.mp4 --glossary examples/glossary.txt --out $(OUT) --data-dir $(DATA)

# Debian's Chromium and PostgreSQL, which the browser and database tests drive for real.
system-deps:
	@.ci/system-deps

test: system-deps $(TEST_STAMP) lint
	$(BIN)/pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples

format: $(TEST_STAMP)
	$(BIN)/ruff format src tests bench examples
	$(BIN)/ruff check --fix src tests bench examples

bench: $(TEST_STAMP)
	$(BIN)/python bench/asr_vs_plain.py

bench-web: $(TEST_STAMP)
	$(BIN)/python bench/web.py

clean:
	rm -rf $(OUT) $(DATA) .pytest_cache
