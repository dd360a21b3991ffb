#include "qopt/Quant/QuantMath.h"
#include <gtest/gtest.h>
TEST(QuantMath, Placeholder) {}
