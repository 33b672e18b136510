"""A tiny greeter."""

import sys


def greet(name):
    """Return a friendly greeting for name."""
    return "Helo, " + name + "!"


def main(argv):
    name = argv[1] if len(argv) > 1 else "world"
    print(greet(name))


if __name__ == "__main__":
    main(sys.argv)
