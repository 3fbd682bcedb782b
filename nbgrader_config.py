# nbgrader configuration of the govai course: the repository root is the course root
# (source/ masters, release/ student versions; submitted/, autograded/, feedback/ and
# gradebook.db appear when instructors grade, and are ignored by git).
c = get_config()  # noqa: F821  (nbgrader injects get_config)
import os

course_root = os.path.dirname(os.path.abspath(__file__))   # the folder holding this file
c.CourseDirectory.course_id = "govai"
c.CourseDirectory.root = course_root
# The exchange (release/collect between instructor and learners) lives in the course's own var/,
# not in /usr/local/share, which does not exist on a fresh machine.
c.Exchange.root = os.path.join(course_root, "var", "exchange")
os.makedirs(c.Exchange.root, exist_ok=True)
# Stubs learners see in place of solutions: Traditional Chinese, and still failing until answered.
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError()  # 請刪除這一行，在此作答"}
c.ClearSolutions.text_stub = "請在此作答（雙擊這個儲存格開始編輯）。"
c.Execute.timeout = 120
