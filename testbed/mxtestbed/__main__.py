import signal
import sys

from .cli import main

# The servers started from here inherit this process's signal mask. A caller whose thread had
# SIGHUP blocked (a test harness) would leave NSD deaf to its reload signal, so every mutation
# after a restart from such a caller timed out: start them with nothing blocked.
signal.pthread_sigmask(signal.SIG_SETMASK, [])

sys.exit(main(sys.argv[1:]))
