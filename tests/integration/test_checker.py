"""The checker itself: it must catch each kind of violation it claims to catch."""

import unittest

from checker import Checker


def v(counter, node):
    return {"counter": counter, "node": node}


def reply(value, counter, node):
    return {"value": value, "version": v(counter, node)}


class CheckerTest(unittest.TestCase):
    def test_a_clean_history_passes(self):
        c = Checker()
        c.record_write("n1", 5, v(1, "n1"))
        c.record_write("n2", 6, v(2, "n2"))
        c.record_read("n1", 0.0, 0.1, 42, v(0, ""))
        c.record_read("n1", 0.2, 0.3, 5, v(1, "n1"))
        c.record_read("n1", 0.4, 0.5, 6, v(2, "n2"))
        self.assertEqual(c.problems({"n1": reply(6, 2, "n2"), "n2": reply(6, 2, "n2")}), [])

    def test_a_final_value_older_than_the_greatest_acknowledged_write_is_a_lost_write(self):
        c = Checker()
        c.record_write("n1", 5, v(1, "n1"))
        c.record_write("n2", 6, v(2, "n2"))
        problems = c.problems({"n1": reply(5, 1, "n1"), "n2": reply(6, 2, "n2")})
        self.assertTrue(any("lost the acknowledged write" in p for p in problems))
        self.assertTrue(any("disagree" in p for p in problems))

    def test_a_read_of_a_value_never_written_is_reported(self):
        c = Checker()
        c.record_write("n1", 5, v(1, "n1"))
        c.record_read("n2", 0.0, 0.1, 7, v(1, "n1"))
        problems = c.problems({"n1": reply(5, 1, "n1")})
        self.assertTrue(any("never written" in p for p in problems))

    def test_an_unacknowledged_write_may_be_read(self):
        c = Checker()
        c.record_unknown("n1", 9)
        c.record_read("n1", 0.0, 0.1, 9, v(3, "n1"))
        self.assertEqual(c.problems({"n1": reply(9, 3, "n1")}), [])

    def test_reads_going_backwards_on_one_node_are_reported(self):
        c = Checker()
        c.record_write("n1", 5, v(1, "n1"))
        c.record_write("n1", 6, v(2, "n1"))
        c.record_read("n1", 0.0, 0.1, 6, v(2, "n1"))
        c.record_read("n1", 0.2, 0.3, 5, v(1, "n1"))
        problems = c.problems({"n1": reply(6, 2, "n1")})
        self.assertTrue(any("went backwards" in p for p in problems))

    def test_overlapping_reads_may_return_either_order(self):
        c = Checker()
        c.record_write("n1", 5, v(1, "n1"))
        c.record_write("n1", 6, v(2, "n1"))
        c.record_read("n1", 0.0, 0.5, 6, v(2, "n1"))
        c.record_read("n1", 0.1, 0.3, 5, v(1, "n1"))
        self.assertEqual(c.problems({"n1": reply(6, 2, "n1")}), [])


if __name__ == "__main__":
    unittest.main()
