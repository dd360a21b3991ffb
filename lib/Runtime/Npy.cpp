//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "qopt/Runtime/Npy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace llvm;

namespace qopt {

static constexpr StringLiteral kMagic = "\x93NUMPY";

namespace {
struct DescrEntry {
  StringLiteral descr;
  DType dtype;
};
} // namespace

// The spellings NumPy writes on a little-endian machine ('|' for one byte).
static constexpr DescrEntry kDescrs[] = {
    {"<f4", DType::F32}, {"<f8", DType::F64}, {"|i1", DType::I8},
    {"|u1", DType::U8},  {"<i2", DType::I16}, {"<i4", DType::I32},
    {"<i8", DType::I64}, {"|b1", DType::Bool}};

static std::optional<DType> dtypeFromDescr(StringRef descr) {
  // One-byte types carry no byte order; accept any marker for them.
  for (const DescrEntry &e : kDescrs)
    if (descr == e.descr || (e.descr[0] == '|' && descr.size() == 3 &&
                             descr.drop_front() == e.descr.drop_front()))
      return e.dtype;
  return std::nullopt;
}

static StringRef descrOf(DType dtype) {
  return find_if(kDescrs, [&](const DescrEntry &e) { return e.dtype == dtype; })
      ->descr;
}

namespace {
/// The header is a Python dict literal such as
/// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : rest(text) {}

  struct Header {
    std::string descr;
    bool fortranOrder = false;
    std::vector<int64_t> shape;
  };

  Expected<Header> parse() {
    Header header;
    bool seenDescr = false, seenOrder = false, seenShape = false;
    if (!consume('{'))
      return fail("expected '{'");
    while (!consume('}')) {
      std::string key;
      if (!parseString(key) || !consume(':'))
        return fail("expected a 'key': value entry");
      if (key == "descr") {
        if (!parseString(header.descr))
          return fail("'descr' is not a string");
        seenDescr = true;
      } else if (key == "fortran_order") {
        if (consumeWord("True"))
          header.fortranOrder = true;
        else if (!consumeWord("False"))
          return fail("'fortran_order' is not True or False");
        seenOrder = true;
      } else if (key == "shape") {
        if (!parseShape(header.shape))
          return fail("'shape' is not a tuple of non-negative integers");
        seenShape = true;
      } else {
        return fail("unknown key '" + key + "'");
      }
      if (!consume(',') && !peek('}'))
        return fail("expected ',' or '}'");
    }
    if (!seenDescr || !seenOrder || !seenShape)
      return fail("'descr', 'fortran_order' and 'shape' are required");
    return header;
  }

private:
  Error fail(const Twine &what) {
    return createStringError("malformed header: " + what);
  }

  bool peek(char c) {
    rest = rest.ltrim();
    return rest.starts_with(c);
  }

  bool consume(char c) {
    if (!peek(c))
      return false;
    rest = rest.drop_front();
    return true;
  }

  bool consumeWord(StringRef word) {
    rest = rest.ltrim();
    return rest.consume_front(word);
  }

  bool parseString(std::string &out) {
    rest = rest.ltrim();
    if (rest.empty() || (rest[0] != '\'' && rest[0] != '"'))
      return false;
    size_t end = rest.find(rest[0], 1);
    if (end == StringRef::npos)
      return false;
    out = rest.slice(1, end).str();
    rest = rest.drop_front(end + 1);
    return true;
  }

  bool parseShape(std::vector<int64_t> &shape) {
    if (!consume('('))
      return false;
    while (!consume(')')) {
      rest = rest.ltrim();
      unsigned long long dim;
      if (consumeUnsignedInteger(rest, 10, dim) || dim > INT64_MAX)
        return false;
      rest.consume_front("L"); // Python 2 long
      shape.push_back(int64_t(dim));
      if (!consume(',') && !peek(')'))
        return false;
    }
    return true;
  }

  StringRef rest;
};
} // namespace

/// The header dict and the offset of the data, or an error.
static Expected<std::pair<StringRef, size_t>> splitHeader(StringRef data) {
  if (!data.starts_with(kMagic))
    return createStringError("not an .npy file (no \\x93NUMPY magic)");
  if (data.size() < 10)
    return createStringError("truncated .npy preamble");
  uint8_t major = data[6], minor = data[7];
  size_t lengthBytes;
  if (major == 1)
    lengthBytes = 2;
  else if (major == 2 || major == 3)
    lengthBytes = 4;
  else
    return createStringError("unsupported .npy version " + Twine(major) + "." +
                             Twine(minor));
  size_t start = 8 + lengthBytes;
  if (data.size() < start)
    return createStringError("truncated .npy preamble");
  size_t length = lengthBytes == 2 ? support::endian::read16le(data.data() + 8)
                                   : support::endian::read32le(data.data() + 8);
  if (data.size() - start < length)
    return createStringError("truncated .npy header");
  return std::make_pair(data.substr(start, length), start + length);
}

Expected<Tensor> parseNpy(MemoryBufferRef buffer) {
  auto fail = [&](const Twine &what) {
    return createStringError(buffer.getBufferIdentifier() + ": " + what);
  };
  StringRef data = buffer.getBuffer();
  Expected<std::pair<StringRef, size_t>> split = splitHeader(data);
  if (!split)
    return fail(toString(split.takeError()));
  Expected<HeaderParser::Header> header = HeaderParser(split->first).parse();
  if (!header)
    return fail(toString(header.takeError()));

  std::optional<DType> dtype = dtypeFromDescr(header->descr);
  if (!dtype) {
    if (header->descr.size() == 3 && header->descr[0] == '>')
      return fail("big-endian data ('" + header->descr +
                  "') is not supported; use a little-endian array "
                  "(numpy: a.astype(a.dtype.newbyteorder('<')))");
    std::string supported;
    interleave(
        kDescrs,
        [&](const DescrEntry &e) {
          supported += (dtypeName(e.dtype) + " (" + e.descr + ")").str();
        },
        [&] { supported += ", "; });
    return fail("unsupported dtype '" + header->descr +
                "'; supported: " + supported);
  }
  if (header->fortranOrder)
    return fail("Fortran-ordered arrays are not supported; save a C-ordered "
                "array (numpy: np.ascontiguousarray)");

  uint64_t expected = dtypeSize(*dtype);
  for (int64_t d : header->shape)
    expected = SaturatingMultiply(expected, uint64_t(d));
  uint64_t actual = data.size() - split->second;
  if (actual != expected)
    return fail("holds " + Twine(actual) + " bytes of data, expected " +
                Twine(expected) + " for " + describe(*dtype, header->shape));

  Tensor tensor;
  tensor.dtype = *dtype;
  tensor.shape = std::move(header->shape);
  tensor.bytes.assign(data.bytes_begin() + split->second, data.bytes_end());
  return tensor;
}

Expected<Tensor> readNpy(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer = MemoryBuffer::getFile(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return createStringError("cannot read '" + path +
                             "': " + buffer.getError().message());
  return parseNpy(**buffer);
}

static void writeNpy(const Tensor &tensor, raw_ostream &os) {
  std::string dict = ("{'descr': '" + descrOf(tensor.dtype) +
                      "', 'fortran_order': False, 'shape': (")
                         .str();
  for (int64_t d : tensor.shape)
    dict += std::to_string(d) + (tensor.shape.size() == 1 ? "," : ", ");
  if (tensor.shape.size() > 1)
    dict.resize(dict.size() - 2);
  dict += "), }";
  // Version 1 has a 16-bit header length; the data starts 64-byte aligned.
  bool v1 = dict.size() + 1 + 10 + 63 <= 0xffff;
  size_t preamble = v1 ? 10 : 12;
  size_t total = alignTo(preamble + dict.size() + 1, 64);
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';

  os << kMagic << char(v1 ? 1 : 2) << char(0);
  char length[4];
  if (v1) {
    support::endian::write16le(length, dict.size());
    os.write(length, 2);
  } else {
    support::endian::write32le(length, dict.size());
    os.write(length, 4);
  }
  os << dict;
  os.write(reinterpret_cast<const char *>(tensor.bytes.data()),
           tensor.bytes.size());
}

Error writeNpyFiles(ArrayRef<Tensor> tensors, ArrayRef<std::string> paths) {
  assert(tensors.size() == paths.size() && "one path per tensor");
  std::vector<sys::fs::TempFile> temps;
  // Discards the temporaries not yet renamed into place.
  auto discardFrom = [&](size_t first, Error err) {
    for (sys::fs::TempFile &temp : drop_begin(temps, first))
      err = joinErrors(std::move(err), temp.discard());
    return err;
  };
  for (auto [tensor, path] : zip_equal(tensors, paths)) {
    Expected<sys::fs::TempFile> temp =
        sys::fs::TempFile::create(path + "-%%%%%%.tmp");
    if (!temp)
      return discardFrom(0, createStringError("cannot write '" + path + "': " +
                                              toString(temp.takeError())));
    temps.push_back(std::move(*temp));
    raw_fd_ostream os(temps.back().FD, /*shouldClose=*/false);
    writeNpy(tensor, os);
    os.flush();
    if (std::error_code ec = os.error()) {
      os.clear_error();
      return discardFrom(
          0, createStringError("cannot write '" + path + "': " + ec.message()));
    }
  }
  for (auto [i, path] : enumerate(paths))
    if (Error err = temps[i].keep(path))
      return discardFrom(i + 1,
                         createStringError("cannot write '" + path +
                                           "': " + toString(std::move(err))));
  return Error::success();
}

} // namespace qopt
