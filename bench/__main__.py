"""Run every benchmark: `python -m bench` (or `make bench`)."""

from bench import startup

if __name__ == "__main__":
    startup.main()
