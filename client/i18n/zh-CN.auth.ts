/**
 * zh-CN messages of access control: the sign-in page, the signed-in person in the header
 * (role, district, sign-out, password change) and the administration screen (/admin).
 * Spread into zh-CN.ts; en.auth.ts must match.
 */
export const authZhCN = {
  login: {
    title: '平顶山市校园安全指挥平台',
    subtitle: '值班人员登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    submitting: '正在登录…',
    wrong: '用户名或密码错误',
    throttled: '本机登录尝试过多，请 {wait}后再试。',
    throttledOver: '等待已结束，可以重新登录。',
    waitSeconds: '{n} 秒',
    waitMinutes: '{n} 分钟',
    invalid: '请输入用户名和密码',
    failed: '无法连接服务器：{error}',
    expired: '登录已失效，请重新登录。',
    notice: '仅限授权的公安、教育系统值班人员使用。所有操作均记录在案。',
  },
  account: {
    role: '角色',
    district: '辖区',
    city: '全市',
    signOut: '退出登录',
    changePassword: '修改密码',
    menu: '账号',
    currentPassword: '当前密码',
    newPassword: '新密码（至少 {min} 个字符）',
    confirmPassword: '再次输入新密码',
    save: '保存',
    cancel: '取消',
    tooShort: '新密码至少 {min} 个字符',
    mismatch: '两次输入的新密码不一致',
    changed: '密码已修改。其他设备上的登录已退出。',
    refused: '未能修改：{error}',
    readOnly: '只读',
  },
  role: {
    police_operator: '公安值班员',
    education_staff: '教体局值班人员',
    school_user: '学校用户',
    viewer: '大屏只读',
    admin: '系统管理员',
    responder: '出警单位人员',
  },
} as const;
