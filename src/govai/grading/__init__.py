"""Grading internals behind `govai grade`: wire codec, sandboxed learner kernel, judge, gradebook.

See :mod:`govai.grade` for the design (why tests never run in the learner's process).
"""
