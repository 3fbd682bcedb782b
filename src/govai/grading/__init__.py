"""Grading internals behind `govai grade`: wire codec, sandboxed learner kernel, judge, gradebook.

See :mod:`govai.grading.command` for the design (why tests never run in the learner's process).
"""
