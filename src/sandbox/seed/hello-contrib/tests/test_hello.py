import unittest

import hello


class GreetTest(unittest.TestCase):
    def test_greets_by_name(self):
        self.assertIn("Ada", hello.greet("Ada"))


if __name__ == "__main__":
    unittest.main()
