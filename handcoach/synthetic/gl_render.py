"""Headless OpenGL rasteriser for the studio: shadow-mapped skin and a room, on the CPU.

Runs on any OpenGL 3.3 context moderngl can open without a display: Mesa's llvmpipe through
EGL (Debian: libegl1 libegl-mesa0 libgl1-mesa-dri libgbm1) on a machine without a GPU, a
real GPU where there is one. One frame is two passes: depth from the key light (the shadow
map), then the camera view into a half-float target, read back as
linear RGB for the camera model of studio.py (noise, tone curve) to finish. No
multisampling by default: llvmpipe shades every sample of a multisampled target (4x MSAA
cost 4-6x the whole hand pass, measured); the camera model's lens blur and the motion-blur
sub-frames smooth the edges instead.

Skin shading, in the fragment shader (why each term is there):
- albedo from the skin tone, lighter and pinker on palmar skin (palmar skin has little
  melanin), with low-frequency mottling and fine pore noise fixed to the bind pose (so it
  moves with the skin instead of swimming);
- wrapped diffuse with a wider wrap in red than in blue: the cheap stand-in for sub-surface
  scattering that keeps skin from looking like plastic at the shadow terminator;
- GGX specular (skin roughness ~0.5, nails glossier) and a soft shadow (PCF over a Poisson
  disc) from the key light; hemisphere ambient from the room (sky above, table bounce below)
  darkened in creases by a per-vertex occlusion term the caller supplies;
- nails from MakeHuman's fingernail mask (UV): a lighter, pinker, glossier plate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_HAND_VS = """
#version 330
uniform mat4 view_proj;
uniform mat4 light_vp;
in vec3 in_pos;
in vec3 in_nrm;
in float in_ao;
in vec2 in_uv;
in float in_palmar;
in vec3 in_bind;
in float in_joint;
out vec3 v_pos;
out vec3 v_nrm;
out vec2 v_uv;
out float v_palmar;
out float v_ao;
out vec3 v_bind;
out vec4 v_light;
flat out int v_joint;
void main() {
    v_joint = int(in_joint + 0.5) - 1;
    v_pos = in_pos;
    v_nrm = in_nrm;
    v_uv = in_uv;
    v_palmar = in_palmar;
    v_ao = in_ao;
    v_bind = in_bind;
    v_light = light_vp * vec4(in_pos + in_nrm * 0.0015, 1.0);
    gl_Position = view_proj * vec4(in_pos, 1.0);
}
"""

_COMMON_FS = """
uniform sampler2DShadow shadow_map;
uniform vec3 light_dir;      // unit, toward the key light
uniform vec3 light_col;
uniform vec3 sky_col;
uniform vec3 ground_col;
uniform vec3 cam_pos;
uniform float shadow_radius; // in shadow-map UV
uniform float shadow_bias;
uniform vec4 caster_box;     // shadow-map UV box of the hand (its shadow falls inside)
const vec2 TAPS[4] = vec2[](vec2(-0.80, -0.30), vec2(0.30, -0.80), vec2(0.80, 0.30),
                            vec2(-0.30, 0.80));
float shadow_at(vec4 lp, float radius) {
    vec3 c = lp.xyz / lp.w * 0.5 + 0.5;
    // Only the hand casts shadows: outside its box in the light's view nothing can be
    // shadowed, and the taps (the costliest part of a frame on a software rasteriser)
    // are skipped for whole blocks of pixels at once.
    if (c.x < caster_box.x - radius || c.x > caster_box.z + radius ||
        c.y < caster_box.y - radius || c.y > caster_box.w + radius || c.z > 1.0) return 1.0;
    float s = 0.0;
    // 4 taps (each a 2x2 hardware compare) on a disc turned per pixel: the penumbra
    // comes out as fine noise, which the camera's lens blur smooths, instead of bands
    float a = fract(52.9829 * fract(dot(gl_FragCoord.xy, vec2(0.06711, 0.00584)))) * 6.2832;
    mat2 rot = mat2(cos(a), sin(a), -sin(a), cos(a));
    for (int i = 0; i < 4; i++) {
        s += texture(shadow_map, vec3(c.xy + rot * TAPS[i] * radius, c.z - shadow_bias));
    }
    return s * 0.25;
}
"""

_HAND_FS = """
#version 330
""" + _COMMON_FS + """
uniform sampler2D nail_map;
uniform vec3 dorsal_col;
uniform vec3 palmar_col;
uniform vec3 nail_col;
uniform vec3 blush_col;
uniform vec3 wrap;
uniform vec3 fill_dir;
uniform vec3 fill_col;
uniform vec3 joint_pos[14];  // bind-space finger and thumb joints (creases), mm
uniform vec3 joint_axis[14]; // unit bone direction through each
uniform float crease_depth;
uniform float bind_mirror;   // -1 for a left hand, whose bind positions are mirrored
in vec3 v_pos;
in vec3 v_nrm;
in vec2 v_uv;
in float v_palmar;
in float v_ao;
in vec3 v_bind;
in vec4 v_light;
flat in int v_joint;
out vec4 frag;

float hash(vec3 p) {
    p = fract(p * 0.3183099 + vec3(0.1, 0.2, 0.3));
    p *= 17.0;
    return fract(p.x * p.y * p.z * (p.x + p.y + p.z));
}
float vnoise(vec3 x) {
    vec3 i = floor(x);
    vec3 f = fract(x);
    f = f * f * (3.0 - 2.0 * f);
    return mix(mix(mix(hash(i), hash(i + vec3(1, 0, 0)), f.x),
                   mix(hash(i + vec3(0, 1, 0)), hash(i + vec3(1, 1, 0)), f.x), f.y),
               mix(mix(hash(i + vec3(0, 0, 1)), hash(i + vec3(1, 0, 1)), f.x),
                   mix(hash(i + vec3(0, 1, 1)), hash(i + vec3(1, 1, 1)), f.x), f.y), f.z);
}
// Palm creases as bind-space polylines in the palm plane (x radial, y distal, mm): the
// distal and proximal transverse creases, the thenar crease and two wrist creases.
const int NP = 17;
const vec2 PALM[NP] = vec2[](
    vec2(-44.0, 66.0), vec2(-22.0, 72.0), vec2(-2.0, 77.0), vec2(14.0, 84.0),   // distal
    vec2(-30.0, 56.0), vec2(-8.0, 60.0), vec2(12.0, 66.0), vec2(28.0, 72.0),    // proximal
    vec2(26.0, 72.0), vec2(15.0, 59.0), vec2(9.0, 44.0), vec2(9.0, 26.0),       // thenar
    vec2(-34.0, 2.0), vec2(0.0, 0.0), vec2(30.0, 4.0),                          // wrist 1
    vec2(-30.0, -9.0), vec2(28.0, -7.0));                                        // wrist 2
const int NSEG = 12;
const ivec2 SEG[NSEG] = ivec2[](ivec2(0, 1), ivec2(1, 2), ivec2(2, 3), ivec2(4, 5),
    ivec2(5, 6), ivec2(6, 7), ivec2(8, 9), ivec2(9, 10), ivec2(10, 11), ivec2(12, 13),
    ivec2(13, 14), ivec2(15, 16));
// GLSL leaves pow(x, y) undefined for x < 0: squares are spelled out
float sq(float x) { return x * x; }
float seg_dist(vec2 p, vec2 a, vec2 b) {
    vec2 ab = b - a;
    float t = clamp(dot(p - a, ab) / dot(ab, ab), 0.0, 1.0);
    return length(p - a - t * ab);
}
float creases(vec3 b, float palmar) {
    float c = 0.0;
    // flexion creases across the digits: two close lines at each PIP, one at DIP/IP,
    // on the palmar side; finer, broken wrinkles over the dorsal knuckles
    // (one joint per vertex, chosen on the CPU: a loop over all 14 here cost more than
    // the rest of the skin shader together on llvmpipe)
    int i = v_joint;
    if (i >= 0) {
        vec3 d = b - joint_pos[i];
        float a = dot(d, joint_axis[i]);
        float line = exp(-sq(a - 1.2) / 0.8) + 0.6 * exp(-sq(a + 1.6) / 0.7);
        line *= 0.55 + 0.45 * vnoise(b * 1.7 + float(i));
        float wr = 0.0;
        for (int k = -2; k <= 2; k++) wr += exp(-sq(a - 1.3 * float(k)) / 0.12);
        wr *= 0.35 * smoothstep(0.3, 0.8, vnoise(b * 0.9 + float(i)));
        c = max(c, mix(wr, line, smoothstep(0.55, 0.85, palmar)) * step(abs(a), 6.0));
    }
    if (palmar > 0.55 && b.y < 90.0) {
        float dm = 1e9;
        for (int s = 0; s < NSEG; s++) {
            dm = min(dm, seg_dist(vec2(b.x * bind_mirror, b.y), PALM[SEG[s].x],
                                  PALM[SEG[s].y]));
        }
        float wob = (vnoise(b * 0.5) - 0.5) * 1.2;
        float fade = 0.45 + 0.55 * vnoise(b * 0.35);
        c = max(c, exp(-sq(dm + wob) / 1.6) * smoothstep(0.6, 0.85, palmar) * 0.7 * fade);
    }
    return c;
}
float ggx(vec3 n, vec3 v, vec3 l, float rough, float f0) {
    vec3 h = normalize(v + l);
    float a2 = rough * rough * rough * rough;
    float nh = max(dot(n, h), 0.0);
    float d = a2 / (3.14159 * sq(nh * nh * (a2 - 1.0) + 1.0));
    float nl = max(dot(n, l), 0.0);
    float nv = max(dot(n, v), 1e-3);
    float k = (rough + 1.0) * (rough + 1.0) / 8.0;
    float g = nl / (nl * (1.0 - k) + k) * nv / (nv * (1.0 - k) + k);
    float f = f0 + (1.0 - f0) * pow(clamp(1.0 - dot(v, h), 0.0, 1.0), 5.0);
    return d * g * f / (4.0 * nv * max(nl, 1e-3)) * nl;
}
void main() {
    // (a normal interpolated between opposite vertex normals can vanish: no NaN from it)
    vec3 n = v_nrm / max(length(v_nrm), 1e-6);
    vec3 v = normalize(cam_pos - v_pos);
    if (dot(n, v) < -0.2) n = -n;
    float nail = smoothstep(0.25, 0.75, texture(nail_map, v_uv).r);
    float mott = vnoise(v_bind * 0.12) * 0.6 + vnoise(v_bind * 0.45) * 0.4;
    float pore = vnoise(v_bind * 3.1);
    vec3 alb = mix(dorsal_col, palmar_col, v_palmar);
    alb = mix(alb, alb * blush_col, clamp(mott * 1.2 - 0.3, 0.0, 1.0) * 0.5);
    alb *= 0.93 + 0.10 * mott + 0.05 * (pore - 0.5);
    alb *= 1.0 - crease_depth * creases(v_bind, v_palmar) * vec3(1.0, 1.15, 1.2);
    // nail plate: the nail bed's pink through keratin, whiter toward the free edge
    vec3 plate = mix(nail_col, nail_col * vec3(1.25, 1.3, 1.35), smoothstep(0.6, 0.95, nail)
                     * 0.3);
    alb = mix(alb, plate, nail);
    float sh = shadow_at(v_light, shadow_radius);
    float ndl = dot(n, light_dir);
    vec3 diff = clamp((vec3(ndl) + wrap) / (1.0 + wrap), 0.0, 1.0);
    diff *= mix(vec3(sh), vec3(1.0), wrap * 0.35);   // light bleeds a little into shadow
    float rough = mix(0.52 - 0.08 * pore, 0.22, nail);
    // (capped: at grazing angles on the glossy nail GGX overflows the half-float target)
    float spec = min(ggx(n, v, light_dir, rough, mix(0.028, 0.045, nail)), 8.0) * sh;
    float up = n.y * 0.5 + 0.5;
    vec3 amb = mix(ground_col, sky_col, up) * v_ao;
    float fd = max(dot(n, fill_dir), 0.0);
    float rim = pow(clamp(1.0 - dot(n, v), 0.0, 1.0), 3.0) * 0.25;
    vec3 col = alb * (light_col * diff + amb + fill_col * fd * v_ao)
             + light_col * spec * (1.0 - 0.4 * (1.0 - v_ao)) + amb * rim * 0.3;
    frag = vec4(col, 1.0);
}
"""

_ROOM_VS = """
#version 330
uniform mat4 view_proj;
uniform mat4 light_vp;
in vec3 in_pos;
in vec3 in_nrm;
in vec2 in_uv;
out vec3 v_pos;
out vec3 v_nrm;
out vec2 v_uv;
out vec4 v_light;
void main() {
    v_pos = in_pos;
    v_nrm = in_nrm;
    v_uv = in_uv;
    v_light = light_vp * vec4(in_pos, 1.0);
    gl_Position = view_proj * vec4(in_pos, 1.0);
}
"""

_ROOM_FS = """
#version 330
""" + _COMMON_FS + """
uniform sampler2D albedo;
uniform float gloss;
uniform float emissive;
in vec3 v_pos;
in vec3 v_nrm;
in vec2 v_uv;
in vec4 v_light;
out vec4 frag;
void main() {
    vec3 n = normalize(v_nrm);
    vec3 alb = pow(texture(albedo, v_uv).rgb, vec3(2.2));
    float sh = shadow_at(v_light, shadow_radius * 2.5);
    float ndl = max(dot(n, light_dir), 0.0);
    vec3 v = normalize(cam_pos - v_pos);
    vec3 h = normalize(v + light_dir);
    float spec = gloss * pow(clamp(dot(n, h), 0.0, 1.0), 40.0) * ndl;
    vec3 amb = mix(ground_col, sky_col, n.y * 0.5 + 0.5);
    vec3 col = alb * (light_col * ndl * sh + amb) + light_col * spec * sh;
    frag = vec4(mix(col, alb * emissive, step(0.001, emissive)), 1.0);
}
"""

_DEPTH_VS = """
#version 330
uniform mat4 light_vp;
in vec3 in_pos;
void main() { gl_Position = light_vp * vec4(in_pos, 1.0); }
"""

_DEPTH_FS = """
#version 330
void main() { }
"""


@dataclass(frozen=True)
class Surface:
    """A static textured piece of the room: triangles with normals and UVs, world metres.

    texture: (h, w, 3) uint8 sRGB albedo. gloss: specular strength (a varnished table).
    emissive: > 0 draws the texture as a light source of that brightness (a window).
    """

    positions: np.ndarray
    normals: np.ndarray
    uv: np.ndarray
    texture: np.ndarray
    gloss: float = 0.0
    emissive: float = 0.0
    casts_shadow: bool = False


@dataclass(frozen=True)
class Lighting:
    """Linear-RGB light of a scene; directions are unit vectors toward the light."""

    key_dir: tuple[float, float, float]
    key_col: tuple[float, float, float]
    sky_col: tuple[float, float, float]
    ground_col: tuple[float, float, float]
    fill_dir: tuple[float, float, float]
    fill_col: tuple[float, float, float]
    shadow_radius: float = 0.004


@dataclass(frozen=True)
class SkinLook:
    """Linear-RGB albedos of the skin and the shading constants that go with them."""

    dorsal: tuple[float, float, float]
    palmar: tuple[float, float, float]
    nail: tuple[float, float, float]
    blush: tuple[float, float, float]
    wrap: tuple[float, float, float] = (0.55, 0.28, 0.2)


def _mat(m: np.ndarray) -> bytes:
    """A NumPy 4x4 (row-major maths) as the column-major bytes GLSL expects."""
    return np.ascontiguousarray(m.T, dtype="f4").tobytes()


def open_context():  # noqa: ANN201 - moderngl.Context, imported lazily
    """A headless OpenGL 3.3+ context: EGL first (no display needed), then the default.

    Raises RuntimeError in one line when neither opens (the CLI shows it as `error:`).
    """
    import moderngl

    try:
        return moderngl.create_standalone_context(require=330, backend="egl")
    except Exception as egl:  # noqa: BLE001 - any failure: try the platform default
        try:
            return moderngl.create_standalone_context(require=330)
        except Exception as default:  # noqa: BLE001
            raise RuntimeError(
                "no headless OpenGL 3.3 context (needs EGL and Mesa: apt-get install libegl1 "
                f"libegl-mesa0 libgl1-mesa-dri): {str(egl).splitlines()[0] if str(egl) else ''}"
                f"; {str(default).splitlines()[0] if str(default) else ''}") from default


class GLRenderer:
    """Draws one hand mesh in a static room. Construct, `start()`, then `render()` per frame.

    The constructor only stores parameters; `start` opens the context and uploads the room,
    the hand's static attributes and the nail mask.
    """

    def __init__(self, width: int, height: int, samples: int = 0,
                 shadow_size: int = 1024) -> None:
        self.width, self.height = width, height
        self.samples = samples
        self.shadow_size = shadow_size
        self.ctx = None

    def start(self, surfaces: list[Surface], triangles: np.ndarray, uv: np.ndarray,
              palmar: np.ndarray, bind: np.ndarray, nail_mask: np.ndarray,
              shadow_triangles: np.ndarray | None = None,
              crease_joint: np.ndarray | None = None) -> None:
        """Open the GL context and upload everything that stays fixed for a clip.

        triangles (k, 3), uv (m, 2), palmar (m,), bind (m, 3) are per GL vertex of the hand;
        shadow_triangles (a coarser mesh over the same vertices) draw the shadow map;
        crease_joint (m,) the crease joint (0..13, see set_creases) near each vertex, or -1.
        """
        import moderngl

        ctx = self.ctx = open_context()
        self._hand_prog = ctx.program(vertex_shader=_HAND_VS, fragment_shader=_HAND_FS)
        self._room_prog = ctx.program(vertex_shader=_ROOM_VS, fragment_shader=_ROOM_FS)
        self._depth_prog = ctx.program(vertex_shader=_DEPTH_VS, fragment_shader=_DEPTH_FS)
        m = len(uv)
        self._n_hand = m
        self._pos = ctx.buffer(reserve=m * 12, dynamic=True)
        self._nrm = ctx.buffer(reserve=m * 12, dynamic=True)
        self._ao = ctx.buffer(reserve=m * 4, dynamic=True)
        joint = np.full(m, -1.0) if crease_joint is None else crease_joint
        static = np.concatenate([uv, palmar[:, None], bind, joint[:, None] + 1.0],
                                axis=1).astype("f4")
        self._static = ctx.buffer(static.tobytes())
        self._ibo = ctx.buffer(np.ascontiguousarray(triangles, dtype="i4").tobytes())
        self._hand_vao = ctx.vertex_array(
            self._hand_prog,
            [(self._pos, "3f", "in_pos"), (self._nrm, "3f", "in_nrm"),
             (self._ao, "1f", "in_ao"),
             (self._static, "2f 1f 3f 1f", "in_uv", "in_palmar", "in_bind", "in_joint")],
            index_buffer=self._ibo)
        coarse = triangles if shadow_triangles is None else shadow_triangles
        self._shadow_ibo = ctx.buffer(np.ascontiguousarray(coarse, dtype="i4").tobytes())
        self._hand_depth = ctx.vertex_array(self._depth_prog, [(self._pos, "3f", "in_pos")],
                                            index_buffer=self._shadow_ibo)
        nail = ctx.texture(nail_mask.shape[::-1], 1, np.ascontiguousarray(nail_mask).tobytes())
        nail.filter = (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)
        nail.build_mipmaps()
        nail.repeat_x = nail.repeat_y = False
        self._nail = nail
        self._room: list[tuple] = []
        for s in surfaces:
            data = np.concatenate([s.positions, s.normals, s.uv], axis=1).astype("f4")
            vbo = ctx.buffer(data.tobytes())
            vao = ctx.vertex_array(self._room_prog,
                                   [(vbo, "3f 3f 2f", "in_pos", "in_nrm", "in_uv")])
            dvao = ctx.vertex_array(self._depth_prog, [(vbo, "3f 20x", "in_pos")])
            h, w = s.texture.shape[:2]
            tex = ctx.texture((w, h), 3, np.ascontiguousarray(s.texture[::-1]).tobytes())
            tex.filter = (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)
            tex.build_mipmaps()
            self._room.append((vao, dvao, tex, s))
        size = (self.shadow_size, self.shadow_size)
        self._shadow = ctx.depth_texture(size)
        self._shadow.compare_func = "<="
        self._shadow.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self._shadow_fbo = ctx.framebuffer(depth_attachment=self._shadow)
        wh = (self.width, self.height)
        if self.samples > 1:
            self._msaa = ctx.framebuffer(
                [ctx.renderbuffer(wh, 4, samples=self.samples, dtype="f2")],
                ctx.depth_renderbuffer(wh, samples=self.samples))
            self._resolved = ctx.framebuffer([ctx.texture(wh, 4, dtype="f2")])
        else:
            self._msaa = ctx.framebuffer([ctx.texture(wh, 4, dtype="f2")],
                                         ctx.depth_renderbuffer(wh))
            self._resolved = self._msaa
        self._bg = ctx.framebuffer([ctx.texture(wh, 4, dtype="f2")], ctx.depth_renderbuffer(wh))
        self._bg_key: tuple | None = None

    def _uniforms(self, prog, view_proj: np.ndarray, light_vp: np.ndarray,  # noqa: ANN001
                  cam_pos: np.ndarray, light: Lighting) -> None:
        values = {"light_dir": light.key_dir, "light_col": light.key_col,
                  "sky_col": light.sky_col, "ground_col": light.ground_col,
                  "cam_pos": tuple(cam_pos), "shadow_radius": light.shadow_radius,
                  "shadow_bias": 0.0015, "shadow_map": 0, "caster_box": self._caster_box}
        for name, value in values.items():
            if name in prog:      # the GLSL compiler drops uniforms a variant leaves unused
                prog[name].value = value if np.isscalar(value) else tuple(
                    float(x) for x in value)
        for name, m in (("view_proj", view_proj), ("light_vp", light_vp)):
            if name in prog:
                prog[name].write(_mat(m))

    def render(self, positions: np.ndarray, normals: np.ndarray, ao: np.ndarray,
               view_proj: np.ndarray, light_vp: np.ndarray, cam_pos: np.ndarray,
               light: Lighting, skin: SkinLook) -> np.ndarray:
        """(H, W, 3) float32 linear RGB of the hand (per GL vertex: positions and normals
        in world metres, ao in 0..1) in the room."""
        import moderngl

        ctx = self.ctx
        self._pos.write(np.ascontiguousarray(positions, dtype="f4").tobytes())
        self._nrm.write(np.ascontiguousarray(normals, dtype="f4").tobytes())
        self._ao.write(np.ascontiguousarray(ao, dtype="f4").tobytes())
        lp = positions @ light_vp[:3, :3].T + light_vp[:3, 3]
        uv = lp[:, :2] * 0.5 + 0.5
        self._caster_box = (*uv.min(axis=0), *uv.max(axis=0))
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.disable(moderngl.CULL_FACE)
        # Shadow pass: the hand and whatever of the room casts shadows.
        self._shadow_fbo.use()
        self._shadow_fbo.clear(depth=1.0)
        self._depth_prog["light_vp"].write(_mat(light_vp))
        self._hand_depth.render()
        for _vao, dvao, _tex, s in self._room:
            if s.casts_shadow:
                dvao.render()
        # Camera pass. The room is static: it is drawn once without the hand's shadow
        # and copied in (colour and depth) each frame, then redrawn only inside the
        # screen rectangle the hand's shadow can reach.
        key = (view_proj.tobytes(), light_vp.tobytes(), light)
        if key != self._bg_key:
            self._caster_box = (2.0, 2.0, -2.0, -2.0)
            self._bg.use()
            self._bg.clear(0.0, 0.0, 0.0, 1.0, depth=1.0)
            self._draw_room(view_proj, light_vp, cam_pos, light)
            self._bg_key = key
            self._caster_box = (*uv.min(axis=0), *uv.max(axis=0))
        ctx.copy_framebuffer(self._msaa, self._bg)
        self._msaa.use()
        rect = self._shadow_rect(positions, view_proj, light)
        if rect is not None:
            ctx.depth_func = "<="
            self._msaa.scissor = rect
            self._draw_room(view_proj, light_vp, cam_pos, light)
            self._msaa.scissor = None
            ctx.depth_func = "<"
        prog = self._hand_prog
        self._uniforms(prog, view_proj, light_vp, cam_pos, light)
        self._nail.use(location=2)
        prog["nail_map"].value = 2
        for name, value in (("dorsal_col", skin.dorsal), ("palmar_col", skin.palmar),
                            ("nail_col", skin.nail), ("blush_col", skin.blush),
                            ("wrap", skin.wrap), ("fill_dir", light.fill_dir),
                            ("fill_col", light.fill_col)):
            prog[name].value = tuple(float(x) for x in value)
        self._hand_vao.render()
        if self._resolved is not self._msaa:
            ctx.copy_framebuffer(self._resolved, self._msaa)
        raw = self._resolved.read(components=3, dtype="f2")
        img = np.frombuffer(raw, np.float16).reshape(self.height, self.width, 3)
        return img[::-1].astype(np.float32)

    def set_creases(self, pos: np.ndarray, axis: np.ndarray, radius: np.ndarray,
                    depth: float = 0.28, mirror: float = 1.0) -> None:
        """Bind-space joints (14, 3) mm, unit bone axes and digit radii, for the creases."""
        prog = self._hand_prog
        if "joint_pos" not in prog:
            return
        for name, value in (("joint_pos", pos), ("joint_axis", axis), ("joint_r", radius)):
            if name in prog:
                prog[name].write(np.ascontiguousarray(value, dtype="f4").tobytes())
        prog["crease_depth"].value = depth
        prog["bind_mirror"].value = mirror

    def _draw_room(self, view_proj: np.ndarray, light_vp: np.ndarray, cam_pos: np.ndarray,
                   light: Lighting) -> None:
        self._shadow.use(location=0)
        prog = self._room_prog
        self._uniforms(prog, view_proj, light_vp, cam_pos, light)
        prog["albedo"].value = 1
        for vao, _dvao, tex, s in self._room:
            tex.use(location=1)
            prog["gloss"].value = s.gloss
            prog["emissive"].value = s.emissive
            vao.render()

    def _shadow_rect(self, positions: np.ndarray, view_proj: np.ndarray,
                     light: Lighting) -> tuple[int, int, int, int] | None:
        """Screen rectangle (x, y, w, h; GL's lower-left origin) holding the hand's shadow
        on every room surface: hand points cast along the light onto each surface plane."""
        p = positions[:: max(1, len(positions) // 400)]
        d = np.asarray(light.key_dir)
        hits = [p]
        for _vao, _dvao, _tex, s in self._room:
            n, o = s.normals[0], s.positions[0]
            den = d @ n
            if abs(den) < 1e-6:
                continue
            t = ((p - o) @ n) / den          # p - t d lies on the plane
            ok = t > 0
            hits.append(p[ok] - t[ok, None] * d)
        q = np.concatenate(hits)
        c = np.concatenate([q, np.ones((len(q), 1))], axis=1) @ view_proj.T
        front = c[:, 3] > 1e-6
        if not front.any():
            return None
        ndc = c[front, :2] / c[front, 3:4]
        lo = np.clip((ndc.min(axis=0) * 0.5 + 0.5) * (self.width, self.height) - 16, 0,
                     (self.width, self.height))
        hi = np.clip((ndc.max(axis=0) * 0.5 + 0.5) * (self.width, self.height) + 16, 0,
                     (self.width, self.height))
        if np.any(hi - lo < 1):
            return None
        return int(lo[0]), int(lo[1]), int(hi[0] - lo[0]) + 1, int(hi[1] - lo[1]) + 1

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.release()
            self.ctx = None
